import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { SignJWT } from 'jose';
import { TokenService } from './token.service.js';

const settings = { secret: 'a-test-secret-that-is-long-enough-for-hs256', issuer: 'association-register' };

describe('TokenService', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads the actor from a token it issued, the second time from what it remembers', async () => {
    const tokens = new TokenService(settings);
    const token = await tokens.issue({ userId: 'tender-1', role: 'TENDER', ttlSeconds: 600 });
    const first = await tokens.verify(token);
    expect(first).toEqual({ userId: 'tender-1', role: 'TENDER', associationId: null, enterpriseCode: null });
    expect(await tokens.verify(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('verifies a token once per request: later calls for the request share the answer, refusals included', async () => {
    const tokens = new TokenService(settings);
    const token = await tokens.issue({ userId: 'admin-1', role: 'ADMIN', associationId: 'assoc', ttlSeconds: 600 });
    const other = await tokens.issue({ userId: 'auditor-1', role: 'AUDITOR', ttlSeconds: 600 });
    const verify = jest.spyOn(tokens, 'verify');
    const request = {};
    const [first, second] = await Promise.all([tokens.actorOf(request, token), tokens.actorOf(request, token)]);
    expect(second).toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
    // Another request, or another token on the same request, is verified on its own.
    await tokens.actorOf({}, token);
    expect(verify).toHaveBeenCalledTimes(2);
    await expect(tokens.actorOf(request, other)).resolves.toMatchObject({ role: 'AUDITOR' });
    expect(verify).toHaveBeenCalledTimes(3);
    const refused = {};
    await expect(tokens.actorOf(refused, `${token}x`)).rejects.toThrow('The token is not valid for this register.');
    await expect(tokens.actorOf(refused, `${token}x`)).rejects.toThrow('The token is not valid for this register.');
    expect(verify).toHaveBeenCalledTimes(4);
  });

  it('refuses a remembered token once it has expired', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: new Date('2026-03-01T08:00:00Z') });
    const tokens = new TokenService(settings);
    const token = await tokens.issue({ userId: 'admin-1', role: 'ADMIN', associationId: 'assoc', ttlSeconds: 60 });
    await expect(tokens.verify(token)).resolves.toMatchObject({ role: 'ADMIN' });
    jest.setSystemTime(new Date('2026-03-01T08:00:59Z'));
    await expect(tokens.verify(token)).resolves.toMatchObject({ role: 'ADMIN' });
    jest.setSystemTime(new Date('2026-03-01T08:01:00Z'));
    await expect(tokens.verify(token)).rejects.toThrow('The token has expired; ask for a new one.');
    await expect(tokens.verify(token)).rejects.toThrow('The token has expired; ask for a new one.');
  });

  it('refuses a token with an altered signature or payload after the genuine one was accepted', async () => {
    const tokens = new TokenService(settings);
    const token = await tokens.issue({ userId: 'member-1', role: 'MEMBER', enterpriseCode: '91420100177678329F', ttlSeconds: 600 });
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    await expect(tokens.verify(`${header}.${payload}.${flipped}`)).rejects.toThrow('The token is not valid for this register.');
    const admin = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'ADMIN' })).toString('base64url');
    await expect(tokens.verify(`${header}.${admin}.${signature}`)).rejects.toThrow('The token is not valid for this register.');
  });

  it('refuses a token signed with another secret or for another issuer', async () => {
    const tokens = new TokenService(settings);
    const other = new TokenService({ ...settings, secret: 'another-secret-that-is-long-enough-for-hs256' });
    const elsewhere = new TokenService({ ...settings, issuer: 'someone-else' });
    await expect(tokens.verify(await other.issue({ userId: 'x', role: 'ADMIN', ttlSeconds: 600 }))).rejects.toThrow('not valid');
    await expect(tokens.verify(await elsewhere.issue({ userId: 'x', role: 'ADMIN', ttlSeconds: 600 }))).rejects.toThrow('not valid');
  });

  it('never issues or accepts the SYSTEM role of the register\'s own jobs, even correctly signed', async () => {
    const tokens = new TokenService(settings);
    await expect(tokens.issue({ userId: 'x', role: 'SYSTEM' as never, ttlSeconds: 600 })).rejects.toThrow('Unknown role SYSTEM');
    const forged = await new SignJWT({ role: 'SYSTEM', assoc: 'assoc' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('system:credit-expiry-job')
      .setIssuer(settings.issuer)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(settings.secret));
    await expect(tokens.verify(forged)).rejects.toThrow('does not name a user and a known role');
  });
});
