// The API reads the service's runtime under its platform names; these aliases keep the edge's files short.
export { type ServiceRuntime as ApiRuntime, SERVICE_RUNTIME as API_RUNTIME, type ProjectionHealth, type ReadModelWaiter } from '#platform';
