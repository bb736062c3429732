import init from './shimin_ui.js';
init();
