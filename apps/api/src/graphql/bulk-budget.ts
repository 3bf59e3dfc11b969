import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * What one bulk request may carry across its items: at most `maxItems` entries of each item's `list` (the
 * scores of every application together), and at most `maxTextCharacters` characters in their `textFields`.
 * Per-item limits multiply (1,000 applications × 100 scores × 2,500 characters is hundreds of megabytes), so the
 * largest request the limits allow would not fit the body limit without a budget for the request as a whole.
 */
export interface BulkBudget {
  readonly list: string;
  readonly maxItems: number;
  readonly textFields?: readonly string[];
  readonly maxTextCharacters?: number;
}

/** An input class, as the decorators see it (`target.constructor`). */
type InputClass = object;

const BUDGETS = new Map<InputClass, Map<string, BulkBudget>>();

/** The budget on `property` of an input class or a class it extends (for the body-size calculation), if any. */
export function bulkBudgetOf(target: InputClass, property: string): BulkBudget | undefined {
  for (let type: InputClass | null = target; type && type !== Function.prototype; type = Object.getPrototypeOf(type) as InputClass | null) {
    const budget = BUDGETS.get(type)?.get(property);
    if (budget) return budget;
  }
  return undefined;
}

function usageOf(items: unknown, budget: BulkBudget): { items: number; text: number } {
  let count = 0;
  let text = 0;
  for (const item of Array.isArray(items) ? items : []) {
    const entries = (item as Record<string, unknown> | null)?.[budget.list];
    if (!Array.isArray(entries)) continue;
    count += entries.length;
    for (const entry of entries) {
      for (const field of budget.textFields ?? []) {
        const value = (entry as Record<string, unknown> | null)?.[field];
        if (typeof value === 'string') text += value.length;
      }
    }
  }
  return { items: count, text };
}

/** Refuses a bulk list whose items together carry more than the budget allows. */
export function WithinBulkBudget(budget: BulkBudget, options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    const property = String(propertyName);
    const byProperty = BUDGETS.get(target.constructor) ?? new Map<string, BulkBudget>();
    BUDGETS.set(target.constructor, byProperty.set(property, budget));
    registerDecorator({
      name: 'withinBulkBudget',
      target: target.constructor,
      propertyName: property,
      options: {
        message: ({ value }) => {
          const used = usageOf(value, budget);
          if (used.items > budget.maxItems) {
            return `may carry at most ${budget.maxItems} ${budget.list} in one request (got ${used.items}); send the rest in another request.`;
          }
          return `may carry at most ${budget.maxTextCharacters} characters of ${(budget.textFields ?? []).join(' and ')} in one request (got ${used.text}); send the rest in another request.`;
        },
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          const used = usageOf(value, budget);
          return used.items <= budget.maxItems && (budget.maxTextCharacters === undefined || used.text <= budget.maxTextCharacters);
        },
      },
    });
  };
}
