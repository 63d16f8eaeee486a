// Reports the source files over 300 lines and the functions over 80 lines in src/ (issue 18's
// size rule). A function may stay longer when the comment right above it says why it must be
// one piece (it contains "one piece"). `node scripts/sizes.mjs [root] [--json]`.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'oxc-parser';

export const MAX_FILE_LINES = 300;
export const MAX_FUNCTION_LINES = 80;

function sourceFiles(dir) {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) return sourceFiles(full);
        return /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
    });
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Every function node with its name (the declaration's, the variable's, the method's or the property's). */
function functionsOf(program) {
    const found = [];
    const visit = (node, name) => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node)) return node.forEach((child) => visit(child, name));
        if (FUNCTION_TYPES.has(node.type)) found.push({ node, name: node.id?.name ?? name ?? '(anonymous)' });
        for (const [key, value] of Object.entries(node)) {
            if (key === 'parent' || !value || typeof value !== 'object') continue;
            let childName;
            if (node.type === 'VariableDeclarator' && key === 'init') childName = node.id?.name;
            else if ((node.type === 'MethodDefinition' || node.type === 'Property' || node.type === 'PropertyDefinition') && key === 'value') childName = node.key?.name ?? node.key?.value;
            visit(value, childName);
        }
    };
    visit(program);
    return found;
}

export function measure(root) {
    const src = join(root, 'src');
    const files = [];
    const functions = [];
    for (const file of sourceFiles(src)) {
        const text = readFileSync(file, 'utf8');
        const lineAt = (offset) => text.slice(0, offset).split('\n').length;
        const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
        const path = relative(root, file);
        if (lines > MAX_FILE_LINES) files.push({ path, lines });
        const { program, comments } = parseSync(file, text);
        for (const { node, name } of functionsOf(program)) {
            const start = lineAt(node.start);
            const length = lineAt(node.end) - start + 1;
            if (length <= MAX_FUNCTION_LINES) continue;
            // The comment ending on the line above the function's statement (or up to 3 lines above, for decorators and `export`).
            const why = comments.some((comment) => lineAt(comment.end) >= start - 3 && lineAt(comment.end) <= start && /one piece/i.test(comment.value));
            functions.push({ path, name, line: start, lines: length, why });
        }
    }
    return { files: files.sort((a, b) => b.lines - a.lines), functions: functions.sort((a, b) => b.lines - a.lines) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const args = process.argv.slice(2);
    const root = args.find((arg) => !arg.startsWith('--')) ?? join(fileURLToPath(import.meta.url), '../..');
    const result = measure(root);
    if (args.includes('--json')) console.log(JSON.stringify(result, null, 2));
    else {
        console.log(`files over ${MAX_FILE_LINES} lines: ${result.files.length}`);
        for (const file of result.files) console.log(`  ${file.lines}\t${file.path}`);
        const unexplained = result.functions.filter((fn) => !fn.why);
        console.log(`functions over ${MAX_FUNCTION_LINES} lines: ${result.functions.length} (${unexplained.length} without a comment saying why)`);
        for (const fn of result.functions) console.log(`  ${fn.lines}\t${fn.path}:${fn.line} ${fn.name}${fn.why ? ' (one piece: explained)' : ''}`);
    }
}
