// Node-RED settings for bench/flow-exec.sh: the flow file only, no editor or admin API, 127.0.0.1 only,
// warning-level logging, nothing persisted (no context store, no credentials file beyond the user dir).
module.exports = {
    flowFile: "flows.json",
    uiHost: "127.0.0.1",
    httpAdminRoot: false,
    disableEditor: true,
    credentialSecret: false,
    logging: { console: { level: "warn", metrics: false, audit: false } },
    externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    runtimeState: { enabled: false },
    apiMaxLength: "5mb"
};
