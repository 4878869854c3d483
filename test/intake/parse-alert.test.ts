import { describe, expect, it } from 'vitest';
import { parseAlertJson, parseAlertPayload } from '../../src/intake/parse-alert.js';
import { alertFixtureFiles, readText, scenarioAlertText, scenarioNames } from './shared-fixtures.js';

const minimalAlert = { labels: { alertname: 'X' }, startsAt: '2025-01-01T00:00:00Z' };

describe('parseAlertJson accepts every real payload', () => {
  it.each(alertFixtureFiles())('fixture %s', (_name, path) => {
    const text = readText(path);
    const result = parseAlertJson(text);

    expect(result.ok, result.ok ? '' : result.error).toBe(true);
    if (result.ok) expect(result.payload.alerts).toHaveLength(JSON.parse(text).alerts.length);
  });

  it.each(scenarioNames())('scenario %s', (name) => {
    const result = parseAlertJson(scenarioAlertText(name));

    expect(result.ok, result.ok ? '' : result.error).toBe(true);
  });
});

describe('parseAlertPayload tolerates format drift', () => {
  it.each([
    [
      'no version, groupKey, truncatedAlerts, fingerprint, alert status',
      { status: 'firing', alerts: [minimalAlert] },
    ],
    [
      'notification_reason and routeLabels (Alertmanager 0.32+/0.34+)',
      {
        status: 'firing',
        notification_reason: 'new alerts added',
        routeLabels: { team: 'a' },
        alerts: [minimalAlert],
      },
    ],
    ['unknown keys anywhere', { status: 'firing', extra: 1, alerts: [{ ...minimalAlert, whatever: [1] }] }],
    ['Go zero endsAt', { status: 'firing', alerts: [{ ...minimalAlert, endsAt: '0001-01-01T00:00:00Z' }] }],
    [
      'nanoseconds and offsets',
      { status: 'firing', alerts: [{ ...minimalAlert, startsAt: '2018-03-07T06:33:21.873077559-05:00' }] },
    ],
    [
      'null maps (Go nil)',
      { status: 'resolved', commonLabels: null, alerts: [{ ...minimalAlert, annotations: null }] },
    ],
    ['numeric version', { version: 4, status: 'firing', alerts: [minimalAlert] }],
    ['no alerts at all', { status: 'firing', alerts: [] }],
  ])('%s', (_name, input) => {
    const result = parseAlertPayload(input);

    expect(result.ok, result.ok ? '' : result.error).toBe(true);
  });

  it('drops unknown keys instead of passing them on', () => {
    const result = parseAlertPayload({ status: 'firing', surprise: true, alerts: [minimalAlert] });

    expect(result.ok && 'surprise' in result.payload).toBe(false);
  });
});

describe('malformed payloads give one line naming the field', () => {
  it.each([
    ['not JSON', 'this is not json', '(root): invalid JSON'],
    ['truncated JSON', '{"status":"firing","alerts":[', '(root): invalid JSON'],
    ['a JSON array', '[]', '(root): expected a JSON object'],
    ['a JSON string', '"firing"', '(root): expected a JSON object'],
    ['alerts not an array', '{"status":"firing","alerts":{}}', 'alerts: expected an array of alerts'],
    ['alerts missing', '{"status":"firing"}', 'alerts: required'],
    ['status missing', '{"alerts":[]}', 'status: required'],
    ['status unknown', '{"status":"pending","alerts":[]}', 'status: expected "firing" or "resolved"'],
    [
      'an alert that is not an object',
      '{"status":"firing","alerts":[42]}',
      'alerts.0: expected an alert object',
    ],
    [
      'labels not an object',
      '{"status":"firing","alerts":[{"labels":"x","startsAt":"2025-01-01T00:00:00Z"}]}',
      'alerts.0.labels: expected an object',
    ],
    [
      'label value not a string',
      '{"status":"firing","alerts":[{"labels":{"replicas":3},"startsAt":"2025-01-01T00:00:00Z"}]}',
      'alerts.0.labels.replicas: expected a string',
    ],
    [
      'labels missing',
      '{"status":"firing","alerts":[{"startsAt":"2025-01-01T00:00:00Z"}]}',
      'alerts.0.labels: required',
    ],
    ['startsAt missing', '{"status":"firing","alerts":[{"labels":{}}]}', 'alerts.0.startsAt: required'],
    [
      'startsAt not a timestamp',
      '{"status":"firing","alerts":[{"labels":{},"startsAt":"yesterday"}]}',
      'alerts.0.startsAt: expected an RFC 3339 timestamp',
    ],
    [
      'second alert broken',
      `{"status":"firing","alerts":[${JSON.stringify(minimalAlert)},{"labels":{"a":null},"startsAt":"2025-01-01T00:00:00Z"}]}`,
      'alerts.1.labels.a: expected a string',
    ],
  ])('%s', (_name, text, expected) => {
    const result = parseAlertJson(text);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.startsWith(expected), result.error).toBe(true);
    expect(result.error).not.toMatch(/\n/);
    expect(result.error.length).toBeLessThanOrEqual(300);
  });

  it('says how many more problems there are', () => {
    const result = parseAlertJson('{"status":"nope","alerts":[{"labels":1}]}');

    expect(result.ok ? '' : result.error).toMatch(/\(and \d+ more\)$/);
  });
});
