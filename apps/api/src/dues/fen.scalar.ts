import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function asNumber(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new GraphQLError('An amount is a whole number of fen (分), written as a JSON number.');
  }
  // Fractions and negatives are refused by the decider with a field-level message.
  return value;
}

/** Money as a whole number of fen (1 yuan = 100 fen): exact up to 2^53, unlike GraphQL's 32-bit Int. */
export const FenScalar = new GraphQLScalarType({
  name: 'Fen',
  description: 'An amount of money in whole fen (分; 1 yuan = 100 fen), as a JSON number. Never a fraction.',
  serialize: (value) => (typeof value === 'string' ? Number(value) : value),
  parseValue: asNumber,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
    throw new GraphQLError('An amount is a whole number of fen (分), written as a number.');
  },
});
