export { log, routeConsoleToLog } from "./logger.mjs";
