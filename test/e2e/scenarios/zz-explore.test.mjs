import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, scenario, session, explorerContextMenu, waitForNotification, notificationMessages, screenshot, activityBarItem } from '../harness.mjs';
describe('explore', () => {
  scenario('notification', async ({ page }) => {
    writeFileSync(join(session().workspace, 'x.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
    await explorerContextMenu(page, 'x.png', 'Classify with Fine-tuned Model');
    const item = await waitForNotification(page, 'saved model');
    console.log('msgs', await notificationMessages(page));
    await page.waitForTimeout(20000);
    const item2 = await waitForNotification(page, 'saved model');
    console.log('after 20s found', await item2.locator('.notification-list-item-message').textContent());
    console.log('AB', await activityBarItem(page, 'Finetune').evaluate(e => e.outerHTML.slice(0, 400)));
  });
});
