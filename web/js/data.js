// Reference data every screen needs (units, categories), loaded once per
// login and refreshed after admin edits.
import { get, itemsOf } from './api.js';

let cache = null;

export function invalidateRef() { cache = null; }

export async function loadRef() {
  if (cache) return cache;
  const p = Promise.all([get('/units'), get('/categories')]).then(([u, c]) => buildRef(itemsOf(u), itemsOf(c)));
  cache = p;
  p.catch(() => { if (cache === p) cache = null; });
  return p;
}

function buildRef(units, categories) {
  const unitById = new Map(units.map((u) => [u.id, u]));
  const catById = new Map(categories.map((c) => [c.id, c]));
  const unitDepth = (u) => {
    let d = 0;
    for (let p = u; p && p.parent_id && d < 10; p = unitById.get(p.parent_id)) d++;
    return d;
  };
  // Tree order: parents first, children after them, by code.
  const treeOrder = (items, byId) => {
    const kids = new Map();
    for (const it of items) {
      const k = it.parent_id && byId.has(it.parent_id) ? it.parent_id : 0;
      if (!kids.has(k)) kids.set(k, []);
      kids.get(k).push(it);
    }
    for (const l of kids.values()) l.sort((a, b) => String(a.code).localeCompare(String(b.code)));
    const out = [];
    const walk = (k, depth) => {
      for (const it of kids.get(k) || []) {
        out.push({ item: it, depth });
        walk(it.id, depth + 1);
      }
    };
    walk(0, 0);
    return out;
  };
  const catPath = (c) => {
    const names = [];
    for (let p = c, i = 0; p && i < 5; p = catById.get(p.parent_id), i++) names.unshift(p.name);
    return names.join(' / ');
  };
  const catDefaultUnit = (id) => {
    for (let p = catById.get(id), i = 0; p && i < 5; p = catById.get(p.parent_id), i++) {
      if (p.default_unit_id) return p.default_unit_id;
    }
    return null;
  };
  const catTop = (id) => {
    let p = catById.get(id);
    for (let i = 0; p && p.parent_id && i < 5; i++) p = catById.get(p.parent_id);
    return p || null;
  };
  const unitDescendants = (id) => {
    const out = [];
    const walk = (pid) => {
      for (const u of units) if (u.parent_id === pid) { out.push(u); walk(u.id); }
    };
    walk(id);
    return out;
  };
  const unitByCode = new Map(units.map((u) => [u.code, u]));
  return {
    units, categories, unitById, catById, unitByCode,
    unitTree: treeOrder(units, unitById),
    catTree: treeOrder(categories, catById),
    unitName: (id) => (unitById.get(id) || {}).name || (id ? '#' + id : ''),
    catName: (id) => (catById.get(id) || {}).name || (id ? '#' + id : ''),
    catPath: (id) => (catById.has(id) ? catPath(catById.get(id)) : ''),
    catDefaultUnit, catTop, unitDepth, unitDescendants,
    areaName: (code) => (code && unitByCode.has(code) ? unitByCode.get(code).name : code || ''),
  };
}
