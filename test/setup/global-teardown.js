export default async function globalTeardown() {
  await Promise.all((globalThis.__registerTestClusters ?? []).map((cluster) => cluster.stop()));
}
