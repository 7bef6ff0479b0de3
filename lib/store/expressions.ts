/** Builds DynamoDB expressions with placeholder names for every attribute (many are reserved words). */

export interface Expression {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Collects `#n` / `:v` placeholders while expressions are written. */
export class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  #nameIds = new Map<string, string>();

  name(attribute: string): string {
    let placeholder = this.#nameIds.get(attribute);
    if (!placeholder) {
      placeholder = `#n${this.#nameIds.size}`;
      this.#nameIds.set(attribute, placeholder);
      this.names[placeholder] = attribute;
    }
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /**
   * `SET a = :v, b = c REMOVE d`: `set` takes values (undefined ones are skipped), `copy` copies
   * another attribute of the same item. Returns "" when there is nothing to do.
   */
  update(parts: {
    set?: Record<string, unknown>;
    copy?: Record<string, string>;
    remove?: readonly string[];
  }): string {
    const sets = [
      ...Object.entries(parts.set ?? {})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${this.name(k)} = ${this.value(v)}`),
      ...Object.entries(parts.copy ?? {}).map(([k, from]) => `${this.name(k)} = ${this.name(from)}`),
    ];
    const removes = (parts.remove ?? []).map((k) => this.name(k));
    return [sets.length ? `SET ${sets.join(", ")}` : "", removes.length ? `REMOVE ${removes.join(", ")}` : ""]
      .filter(Boolean)
      .join(" ");
  }

  /** The placeholder maps for a command (values omitted when empty: DynamoDB rejects an empty map). */
  attributes(): Pick<Expression, "ExpressionAttributeNames" | "ExpressionAttributeValues"> {
    return {
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
