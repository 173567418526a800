export { displayBundle, inNotebook } from './display';
export type { MimeBundle } from './display';
export {
  jupyterPython,
  jupyterDataPath,
  registerTslabKernel,
  installPlotlyBundle,
  prepareJupyter,
  notebookServerMissing,
  PLOTLY_NBEXTENSION,
  JUPYTER_APT_PACKAGES,
  JUPYTER_SERVER_APT_PACKAGE,
} from './jupyterSetup';
export { startNotebookServer, portIsFree, freePort, trustNotebooks } from './server';
export type { NotebookServer, NotebookServerOptions } from './server';
export { showTable } from './showTable';
export { LiveLine } from './liveLine';
