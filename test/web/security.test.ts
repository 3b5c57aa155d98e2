/** The checks of `lab web`, pure: Host, Origin, token and cookie, and the order a request meets them. */
import { describe, expect, it } from 'vitest';
import {
  allowedHosts,
  CONTENT_SECURITY_POLICY,
  cookieName,
  hostAllowed,
  newToken,
  originAllowed,
  parseCookies,
  queryToken,
  refusal,
  sessionCookie,
  tokenMatches,
  withoutToken,
} from '../../src/web/security.js';

const token = 'x'.repeat(43);
const guard = { passes: [{ token, who: '' }], port: 4000, allowedHosts: allowedHosts('127.0.0.1', 4000) };

describe('the token', () => {
  it('is 32 random bytes, URL-safe, new each launch', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
  });

  it('matches only itself, whatever the length given', () => {
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
    expect(tokenMatches(token.slice(1), token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(null, token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
  });

  it('is read from the query, and taken out of the URL the browser is sent on to', () => {
    expect(queryToken(`/?token=${token}`)).toBe(token);
    expect(queryToken('/')).toBeNull();
    expect(withoutToken(`/?token=${token}`)).toBe('/');
    expect(withoutToken(`/?a=1&token=${token}`)).toBe('/?a=1');
  });
});

describe('the cookie', () => {
  it('is HttpOnly, SameSite=Strict, named by port', () => {
    expect(sessionCookie(4000, token)).toBe(`dlab_web_4000=${token}; HttpOnly; SameSite=Strict; Path=/`);
    expect(cookieName(4001)).not.toBe(cookieName(4000));
  });

  it('is parsed from a Cookie header, the first of a name winning', () => {
    const c = parseCookies(`a=1; dlab_web_4000=${token}; a=2; junk; =x`);
    expect(c.get('a')).toBe('1');
    expect(c.get('dlab_web_4000')).toBe(token);
    expect(c.size).toBe(2);
    expect(parseCookies(undefined).size).toBe(0);
  });
});

describe('Host and Origin', () => {
  it('allows the bound address and localhost at the port, nothing else', () => {
    expect(allowedHosts('127.0.0.1', 4000)).toEqual(['127.0.0.1:4000', 'localhost:4000']);
    expect(allowedHosts('::1', 4000)).toEqual(['[::1]:4000', 'localhost:4000']);
    expect(allowedHosts('10.0.0.5', 4000)).toEqual(['10.0.0.5:4000', 'localhost:4000']);
    expect(hostAllowed('127.0.0.1:4000', guard.allowedHosts)).toBe(true);
    expect(hostAllowed('LOCALHOST:4000', guard.allowedHosts)).toBe(true);
    for (const h of ['127.0.0.1:4001', 'evil.example:4000', '127.0.0.1', 'localhost', undefined]) expect(hostAllowed(h, guard.allowedHosts)).toBe(false);
  });

  it("wants the page's own origin, exactly; none is refused", () => {
    expect(originAllowed('http://127.0.0.1:4000', '127.0.0.1:4000')).toBe(true);
    for (const o of ['http://evil.example', 'https://127.0.0.1:4000', 'http://127.0.0.1:4000/', 'http://localhost:4000', 'null', undefined])
      expect(originAllowed(o, '127.0.0.1:4000')).toBe(false);
  });
});

describe('refusal: the order a request meets the checks', () => {
  const ok = { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000', cookie: `dlab_web_4000=${token}` };

  it('lets the page and its websockets through with the cookie, or the token in the URL', () => {
    expect(refusal({ url: '/', headers: ok }, guard, false)).toBeNull();
    expect(refusal({ url: '/ws/steps', headers: ok }, guard, true)).toBeNull();
    expect(refusal({ url: `/?token=${token}`, headers: { host: ok.host } }, guard, false)).toBeNull();
  });

  it('403 on a foreign Host, even with the token', () => {
    expect(refusal({ url: '/', headers: { ...ok, host: 'evil.example:4000' } }, guard, false)).toEqual({ status: 403, why: 'foreign Host' });
  });

  it('403 on a websocket from another origin, or from none', () => {
    expect(refusal({ url: '/ws/steps', headers: { ...ok, origin: 'http://evil.example' } }, guard, true)?.status).toBe(403);
    expect(refusal({ url: '/ws/steps', headers: { host: ok.host, cookie: ok.cookie } }, guard, true)).toEqual({ status: 403, why: 'no Origin' });
  });

  it('401 without the token or its cookie, or with wrong ones', () => {
    expect(refusal({ url: '/', headers: { host: ok.host } }, guard, false)?.status).toBe(401);
    expect(refusal({ url: '/?token=nope', headers: { host: ok.host } }, guard, false)?.status).toBe(401);
    expect(refusal({ url: '/', headers: { host: ok.host, cookie: 'dlab_web_4000=nope' } }, guard, false)?.status).toBe(401);
    // the cookie of another lab web (another port) is not this one's
    expect(refusal({ url: '/', headers: { host: ok.host, cookie: `dlab_web_4001=${token}` } }, guard, false)?.status).toBe(401);
  });
});

it('the CSP lets the page load and talk to itself only, and be framed by nobody', () => {
  expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
  expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
  expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
  expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
});
