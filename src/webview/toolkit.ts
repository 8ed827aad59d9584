// The one file that imports @vscode/webview-ui-toolkit: registers the
// components the dashboard uses (and only those, to keep the bundle small).
// Form fields are native <input>/<select> with <label for>: a toolkit text
// field keeps its input in a shadow root, where a label or an error message
// outside cannot name or describe it for a screen reader.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeRadio,
  vsCodeRadioGroup,
} from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeProgressRing(),
    vsCodeRadio(),
    vsCodeRadioGroup(),
  );
}
