import { create as createTar } from 'tar';
import { makeTempDir, SignedInUser, signUp } from '@slipway/testing';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuilderHarness, FIXTURES } from './build-harness';

// Archive sources end to end: uploaded through the gateway into the object store, unpacked safely by the
// builder, built on Docker.
describe('builder: uploaded archives', () => {
  let harness: BuilderHarness;
  let user: SignedInUser;

  beforeAll(async () => {
    harness = await BuilderHarness.start({ UPLOAD_MAX_BYTES: String(512 * 1024) }, ['gateway', 'builder']);
    user = await signUp(harness.platform.gatewayUrl);
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  }, 120_000);

  async function upload(body: Buffer, contentType = 'application/gzip'): Promise<Response> {
    return fetch(`${harness.platform.gatewayUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, ...user.headers },
      body: new Uint8Array(body),
    });
  }

  async function tarball(name: string, build: (dir: string) => Promise<string[]>): Promise<Buffer> {
    const dir = await makeTempDir(`slipway-archive-${name}-`);
    const entries = await build(dir);
    const file = join(await makeTempDir('slipway-tarball-'), `${name}.tar.gz`);
    await createTar({ gzip: true, file, cwd: dir, portable: true }, entries);
    return readFile(file);
  }

  it('builds and serves a static site uploaded as a tar.gz', async () => {
    const site = await tarball('static-site', async (dir) => {
      await cp(join(FIXTURES, 'static-site'), dir, { recursive: true });
      return ['.'];
    });
    const response = await upload(site);
    expect(response.status).toBe(201);
    const uploaded = (await response.json()) as { archiveObject: string; format: string; sizeBytes: number };
    expect(uploaded).toMatchObject({ format: 'tar.gz', sizeBytes: site.length });

    const result = await harness.result(
      await harness.requestBuild('uploaded-site', { kind: 'archive', archiveObject: uploaded.archiveObject }),
    );
    expect(result.failed).toBeUndefined();
    expect(result.succeeded?.detection.stack).toBe('static');
    expect((await harness.serve(result.succeeded?.imageTag ?? '')).body).toContain('static-site');
  });

  it('refuses a body that is not an archive, and one over the size limit, with problem+json', async () => {
    const notArchive = await upload(
      Buffer.from('just some text, not an archive'),
      'application/octet-stream',
    );
    expect(notArchive.status).toBe(415);
    expect(((await notArchive.json()) as { detail: string }).detail).toContain(
      'not a zip, tar or tar.gz archive',
    );

    const tooLarge = await upload(Buffer.alloc(600 * 1024, 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toContain('application/problem+json');
  });

  it('fails the build of an archive whose entry escapes the folder, naming the entry', async () => {
    const hostile = await tarball('hostile', async (dir) => {
      await writeFile(join(dir, 'index.html'), '<h1>hi</h1>');
      return ['index.html'];
    });
    // Rewrite the entry name inside the tar to climb out of the target folder.
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const raw = gunzipSync(hostile);
    const name = Buffer.alloc(100);
    name.write('../escape.html');
    name.copy(raw, 0);
    let checksum = 0;
    raw.fill(0x20, 148, 156);
    for (let index = 0; index < 512; index += 1) checksum += raw[index] ?? 0;
    raw.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const response = await upload(gzipSync(raw));
    expect(response.status).toBe(201);
    const { archiveObject } = (await response.json()) as { archiveObject: string };

    const result = await harness.result(
      await harness.requestBuild('hostile-archive', { kind: 'archive', archiveObject }),
    );
    expect(result.failed?.stage).toBe('clone');
    expect(result.failed?.reason).toContain('../escape.html');
  });
});
