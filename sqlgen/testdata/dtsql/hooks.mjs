// Module hooks for npm dt-sql-parser 4.5.1, whose dist/ is ES modules with
// extensionless relative imports in a package not marked "type": "module":
// a relative import that does not resolve is tried with .js and /index.js,
// and its files load as ES modules (scale-out.md §4).
export async function resolve(spec, ctx, next) {
  try {
    return await next(spec, ctx);
  } catch (e) {
    if (spec.startsWith('.')) {
      for (const s of ['.js', '/index.js']) {
        try { return await next(spec + s, ctx); } catch {}
      }
    }
    throw e;
  }
}
export async function load(url, ctx, next) {
  if (url.includes('/dt-sql-parser/dist/')) return next(url, { ...ctx, format: 'module' });
  return next(url, ctx);
}
