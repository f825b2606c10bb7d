import { AppError, type FieldProblem } from "../errors";

/** Collects every field problem of one input, then fails once with all of them (422). */
export class Validator {
  readonly problems: FieldProblem[] = [];

  constructor(private readonly input: unknown) {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      throw new AppError("bad_request", "请求体必须是 JSON 对象 / The request body must be a JSON object");
    }
  }

  private raw(field: string): unknown {
    return (this.input as Record<string, unknown>)[field];
  }

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  string(field: string, rule: { pattern: RegExp; message: string; optional?: false }): string;
  string(field: string, rule: { pattern: RegExp; message: string; optional: true }): string | undefined;
  string(field: string, rule: { pattern: RegExp; message: string; optional?: boolean }): string | undefined {
    const v = this.raw(field);
    if (v === undefined || v === null) {
      if (!rule.optional) this.fail(field, "必填 / required");
      return undefined;
    }
    if (typeof v !== "string" || !rule.pattern.test(v)) {
      this.fail(field, rule.message);
      return undefined;
    }
    return v;
  }

  list<T>(field: string, item: (v: unknown) => v is T, message: string, max: number): T[] | undefined {
    const v = this.raw(field);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.length > max || !v.every(item)) {
      this.fail(field, message);
      return undefined;
    }
    return v;
  }

  /** Throws the collected problems; afterwards every value read is known to be valid. */
  done(): void {
    if (this.problems.length > 0) {
      throw new AppError("validation_failed", "输入有误 / Some fields are invalid", this.problems);
    }
  }
}
