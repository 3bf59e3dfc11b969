export default async function globalTeardown() {
  await globalThis.__registerTestCluster?.stop();
}
