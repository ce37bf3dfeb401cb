/**
 * Local-mode defaults for Powertools, set before any handler module builds its logger and metrics
 * (they read these once, at construction). Import this first, for its side effect.
 * Metrics would otherwise print EMF blobs meant for CloudWatch; X-Ray has no daemon here.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
