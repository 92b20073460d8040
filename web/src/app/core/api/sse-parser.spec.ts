import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('yields events split across chunks, with their id and type', () => {
    const parser = new SseParser();
    expect(parser.push('id: 7\nevent: line\nda')).toEqual([]);
    expect(parser.push('ta: {"seq":7}\n\n: ping\n\nevent: progress\ndata: {"percent":40}\r\n\r\n')).toEqual([
      { event: 'line', data: '{"seq":7}', id: '7' },
      { event: 'progress', data: '{"percent":40}', id: '7' },
    ]);
  });

  it('joins multi-line data and defaults the type to message', () => {
    expect(new SseParser().push('data: a\ndata: b\n\n')).toEqual([
      { event: 'message', data: 'a\nb', id: null },
    ]);
  });

  it('drops an event without data', () => {
    expect(new SseParser().push('event: line\n\n')).toEqual([]);
  });
});
