declare module 'parse-prometheus-text-format' {
  /** Metric families, as the Prometheus client libraries model them. */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
