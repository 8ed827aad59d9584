// The trees and the status bar format numbers, counts and shapes as the dashboard does.
export { counted, duration, fullCount, percent, shapeText, shortCount } from '../../shared/format';
