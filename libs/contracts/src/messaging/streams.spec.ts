import { EventSubjects, QuerySubjects, SIGNAL_SUBJECTS } from '../subjects';
import { ALL_CONSUMERS, ALL_STREAMS, Streams } from './streams';
import { subjectMatches } from './subject-match';

describe('subject matching', () => {
  it.each([
    ['app.>', 'app.created.v1', true],
    ['app.>', 'app', false],
    ['logs.*.*', 'logs.a1.d1', true],
    ['logs.*.*', 'logs.a1.d1.build', false],
    ['rpc.apps.get', 'rpc.apps.get', true],
    ['app.*', 'apps.get', false],
  ])('%s against %s is %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('stream and consumer declarations', () => {
  const streamSubjects = ALL_STREAMS.flatMap((stream) => stream.subjects);

  it('never capture a request/reply subject (a stream would answer it with a publish ack)', () => {
    for (const subject of Object.values(QuerySubjects)) {
      const capturedBy = streamSubjects.filter((pattern) => subjectMatches(pattern, subject));
      expect({ subject, capturedBy }).toEqual({ subject, capturedBy: [] });
    }
  });

  it('store every durable event subject in exactly one stream, and no signal in any', () => {
    const durable = Object.values(EventSubjects).filter((subject) => !SIGNAL_SUBJECTS.includes(subject));
    for (const subject of durable) {
      const streams = ALL_STREAMS.filter((stream) =>
        stream.subjects.some((pattern) => subjectMatches(pattern, subject)),
      );
      expect({ subject, streams: streams.map((stream) => stream.name) }).toEqual({
        subject,
        streams: [Streams.Events.name],
      });
    }
    for (const signal of SIGNAL_SUBJECTS) {
      expect({
        signal,
        streams: streamSubjects.filter((pattern) => subjectMatches(pattern, signal)),
      }).toEqual({
        signal,
        streams: [],
      });
    }
  });

  it('point every consumer at a subject its stream stores, with unique durable names', () => {
    for (const consumer of ALL_CONSUMERS) {
      const stream = ALL_STREAMS.find((candidate) => candidate.name === consumer.stream);
      expect(stream?.subjects.some((pattern) => subjectMatches(pattern, consumer.filterSubject))).toBe(true);
      expect(consumer.backoffMs.length).toBeGreaterThan(0);
    }
    const names = ALL_CONSUMERS.map((consumer) => consumer.durableName);
    expect(new Set(names).size).toBe(names.length);
  });
});
