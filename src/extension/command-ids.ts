/** Every Patchscope command: id, and the title users see after "Patchscope: ". */
export const COMMANDS = {
  openPreview: { id: 'patchscope.openPreview', title: 'Open Preview' },
  stop: { id: 'patchscope.stop', title: 'Stop' },
  renderWav: { id: 'patchscope.renderWav', title: 'Render to WAV' },
  renderMp4: { id: 'patchscope.renderMp4', title: 'Render to MP4' },
  runParityTest: { id: 'patchscope.runParityTest', title: 'Run Parity Test' },
  newPatch: { id: 'patchscope.newPatch', title: 'New Patch' },
  renderAll: { id: 'patchscope.renderAll', title: 'Render All Patches in Workspace' },
} as const;

/** Category shown before every command title. */
export const COMMAND_CATEGORY = 'Patchscope';
