import './sessionView.css';

export { SessionView, type SessionViewOptions, type SessionViewState } from './sessionView';
export { plainControls, type ViewControls } from './controls';
