/** Reading zod 4 schemas without importing zod: every schema carries `_zod.def`. */

export interface ZodLike {
    _zod: { def: { type: string; innerType?: ZodLike; shape?: Record<string, ZodLike> } };
}

export function isZodSchema(value: unknown): value is ZodLike {
    if (typeof value !== 'object' || value === null || !('_zod' in value)) return false;
    const internals = (value as { _zod: unknown })._zod;
    return typeof internals === 'object' && internals !== null && typeof (internals as { def?: { type?: unknown } }).def?.type === 'string';
}

export function zodType(schema: ZodLike): string {
    return schema._zod.def.type;
}

/** Optional, nullable, default, readonly... peeled off. */
export function unwrap(schema: ZodLike): ZodLike {
    let current = schema;
    for (let i = 0; i < 10 && current._zod.def.innerType && isZodSchema(current._zod.def.innerType); i++) {
        current = current._zod.def.innerType;
    }
    return current;
}

export function objectShape(schema: ZodLike): Record<string, ZodLike> | undefined {
    const unwrapped = unwrap(schema);
    if (zodType(unwrapped) !== 'object') return undefined;
    return unwrapped._zod.def.shape ?? (unwrapped as unknown as { shape?: Record<string, ZodLike> }).shape;
}

export function isVoid(schema: unknown): boolean {
    return isZodSchema(schema) && ['void', 'undefined'].includes(zodType(schema));
}

/** Exactly `z.void()`: the one schema Nango writes as `{type:'null'}` (z.undefined() is not). */
export function isZodVoid(schema: unknown): boolean {
    return isZodSchema(schema) && zodType(schema) === 'void';
}
