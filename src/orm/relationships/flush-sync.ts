/**
 * Copying keys into foreign keys at flush (SQLAlchemy: `orm/sync.py` populate / clear), and the
 * foreign keys of `postUpdate` relationships, written by UPDATEs of their own (SQLAlchemy:
 * `post_update`, `persistence.post_update`): after every row is saved, so two rows that
 * reference each other can both be inserted first; and cleared before rows deleted together
 * are deleted.
 */
import { FlushError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import type { SyncOp, UnitOfWork } from "../session/unit-of-work.js";
import { valuesKey } from "../mapping/mapper.js";
import { committedValue, syncValue } from "./flush-history.js";

/** Writes UPDATEs of the changed columns of some persistent objects of one mapper. */
export type UpdateWriter = (mapper: Mapper, states: readonly InstanceState[]) => Promise<void>;

/** Applies the foreign key copies of one object, lowest rank first (so the highest wins). */
export function applySyncs(s: InstanceState, ops: readonly SyncOp[]): void {
  const sorted = ops.length > 1 ? [...ops].sort((a, b) => a.rank - b.rank) : ops;
  for (const op of sorted) {
    const cols = s.mapper.columnProps;
    if (op.source === null) {
      for (const i of op.to) {
        if (cols[i]!.isPrimaryKey && s.values[i] !== undefined && s.values[i] !== null) {
          throw new FlushError(
            `${op.prop.where}: a ${s.mapper.className} left the relationship, and its foreign key ` +
              `${s.mapper.className}.${cols[i]!.key} would be set to NULL, but it is part of the primary key. ` +
              `Delete the ${s.mapper.className} instead (session.delete(), or cascade: "all, delete-orphan" on ${op.prop.where}).`,
            "ATH-ORM-BLANK-PK",
          );
        }
        syncValue(s, i, null);
      }
      continue;
    }
    const src = op.source;
    op.from.forEach((fi, j) => {
      const v = src.values[fi];
      if (v === undefined || v === null) {
        throw new FlushError(
          `Can't set ${s.mapper.className}.${cols[op.to[j]!]!.key} from ${op.prop.where}: the related ` +
            `${src.mapper.className}'s ${src.mapper.columnProps[fi]!.key} is ${v === null ? "null" : "not known"}` +
            (src.key === null
              ? " (it is pending and was not inserted first)."
              : " (not loaded; refresh it)."),
          "ATH-ORM-SYNC",
        );
      }
      syncValue(s, op.to[j]!, v);
    });
  }
}

/** After all saves: the postUpdate foreign keys of saved objects. */
export async function postUpdateSaves(uow: UnitOfWork, write: UpdateWriter): Promise<void> {
  if (uow.postSyncs.size === 0) return;
  const byMapper = new Map<Mapper, InstanceState[]>();
  for (const [s, ops] of uow.postSyncs) {
    if (s.key === null || uow.isDeleting(s) || s.session !== uow.session) continue;
    applySyncs(s, ops);
    const list = byMapper.get(s.mapper);
    if (list) list.push(s);
    else byMapper.set(s.mapper, [s]);
  }
  for (const [m, states] of byMapper) await write(m, states);
}

/**
 * Before deletes: rows deleted together that reference each other through a postUpdate
 * relationship get that foreign key cleared first, so the DELETEs can run in any order.
 */
export async function postUpdateDeletes(uow: UnitOfWork, write: UpdateWriter): Promise<void> {
  const byMapper = new Map<Mapper, Set<InstanceState>>();
  for (const [mapper, deleting] of uow.deletes) {
    for (const prop of mapper.relationships) {
      if (!prop.options.postUpdate || prop.viewonly || prop.secondary !== null) continue;
      const m2o = prop.direction === "manyToOne";
      const manyMapper = m2o ? mapper : prop.target;
      const fkIdx = m2o ? prop.parentKeyIndexes : prop.targetKeyIndexes;
      const refIdx = m2o ? prop.targetKeyIndexes : prop.parentKeyIndexes;
      const parents = m2o ? uow.deletes.get(prop.target) : deleting;
      const children = m2o ? deleting : uow.deletes.get(prop.target);
      if (parents === undefined || children === undefined) continue;
      const keys = new Set([...parents].map((p) => valuesKey(refIdx.map((i) => committedValue(p, i)))));
      for (const c of children) {
        const fk = fkIdx.map((i) => committedValue(c, i));
        if (fk.some((v) => v === null || v === undefined) || !keys.has(valuesKey(fk))) continue;
        for (const i of fkIdx) syncValue(c, i, null);
        let set = byMapper.get(manyMapper);
        if (set === undefined) byMapper.set(manyMapper, (set = new Set()));
        set.add(c);
      }
    }
  }
  for (const [m, states] of byMapper) await write(m, [...states]);
}
