export { ContactLinks } from './ContactLinks';
export { ContactName } from './ContactName';
export { LevelOneOnCall } from './LevelOneOnCall';
export { Missing } from './Missing';
export { Section } from './Section';
export { StaleWarning } from './StaleWarning';
