// Set-up snippets for a service's alert sources, filled with Vigil's address and the service's own
// integration key (or a named gap when the key is not on screen: Vigil shows a key only once).

export interface Snippet {
  id: 'alertmanager' | 'grafana' | 'pagerduty' | 'sentry';
  title: string;
  /** One sentence on where the text goes. */
  where: string;
  text: string;
}

/** Stands in for the key when this page does not hold it. */
export const KEY_PLACEHOLDER = 'YOUR_INTEGRATION_KEY';

const path = encodeURIComponent;

export function snippets(input: {
  origin: string;
  key: string | null;
  dsn: string | null;
  grafanaSignatureHeader: string | null;
}): Snippet[] {
  const key = input.key ?? KEY_PLACEHOLDER;
  const base = input.origin.replace(/\/+$/, '');
  const list: Snippet[] = [
    {
      id: 'alertmanager',
      title: 'Alertmanager',
      where: 'Add a receiver to alertmanager.yml and route alerts to it.',
      text: [
        'receivers:',
        '  - name: vigil',
        '    webhook_configs:',
        `      - url: ${base}/api/v1/integrations/${path(key)}/alertmanager`,
        '        send_resolved: true',
      ].join('\n'),
    },
    {
      id: 'grafana',
      title: 'Grafana alerting',
      where: 'Alerting → Contact points → New contact point, integration “Webhook”.',
      text: [
        `URL: ${base}/api/v1/integrations/${path(key)}/grafana`,
        'HTTP method: POST',
        ...(input.grafanaSignatureHeader
          ? [`HMAC signature: the service's Grafana secret, header ${input.grafanaSignatureHeader}`]
          : []),
      ].join('\n'),
    },
    {
      id: 'pagerduty',
      title: 'PagerDuty Events API v2',
      where:
        'Any tool that speaks PagerDuty Events v2: use Vigil as the events endpoint and the key as routing_key. ' +
        'Try it with curl:',
      text: [
        `curl -X POST ${base}/v2/enqueue \\`,
        "  -H 'Content-Type: application/json' \\",
        `  -d '${JSON.stringify({
          routing_key: key,
          event_action: 'trigger',
          payload: { summary: 'Test alert sent with curl', source: 'my-host', severity: 'error' },
        })}'`,
      ].join('\n'),
    },
  ];
  if (input.dsn) {
    list.push({
      id: 'sentry',
      title: 'Sentry SDK',
      where: 'Point any Sentry SDK at this DSN; errors are grouped on the Error tracking dashboard.',
      text: [
        `SENTRY_DSN=${input.dsn}`,
        '',
        '// or in code:',
        `Sentry.init({ dsn: ${JSON.stringify(input.dsn)} });`,
      ].join('\n'),
    });
  }
  return list;
}
