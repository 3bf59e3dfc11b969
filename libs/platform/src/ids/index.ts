export {
  CORRELATION_ID_HEADER,
  correlationIdFrom,
  isUuid,
  isValidCorrelationId,
  newCorrelationId,
  newId,
} from './ids.js';
