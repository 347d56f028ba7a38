import { type ArgumentsHost, Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { HttpErrorFilter } from './http-error.filter.js';

describe(HttpErrorFilter.name, () => {
  it('should log a failed request by its path, never its query (where an access token may be)', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const reply = { headers: () => reply, header: () => reply, hasHeader: () => false, status: () => reply, send: () => reply };
    const request = { method: 'GET', url: '/queue/7-abc/stream?access_token=secret-token', id: 'request-1' };
    const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
    try {
      new HttpErrorFilter().catch(new Error('boom'), host);
      expect(logged).toHaveBeenCalledWith('GET /queue/7-abc/stream failed [request-1]', expect.any(String));
    } finally {
      logged.mockRestore();
    }
  });
});
