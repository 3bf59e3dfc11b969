import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A waiver row says on what authority it is in effect: `APPROVAL` (maker-checker: `approved_by` approved it) or
 * `POLICY` (granted under `policy_id` on the policy's decision; nobody approved it). `recorded_by` / `recorded_at`
 * are the actor and instant of the event that put it in effect: the approver, or the operator who applied the
 * policy. Before this, a policy grant stored its operator as `approved_by`.
 *
 * The projection's version 2 rebuilds the rows from the events. The backfill below gives the live rows the same
 * shape at once, so the register reads right while the rebuild runs: for an approval the approver is the best
 * guess of who recorded it (the rebuild takes the event's actor), a policy grant's operator moves from
 * `approved_by` to `recorded_by`.
 */
export class DuesWaiverAuthority1795219710000 implements MigrationInterface {
  name = 'DuesWaiverAuthority1795219710000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dues_waiver ADD COLUMN authority text, ADD COLUMN recorded_by text, ADD COLUMN recorded_at timestamptz`);
    await q.query(`
      UPDATE dues_waiver SET
        authority = CASE WHEN policy_id IS NOT NULL THEN 'POLICY' WHEN approved_at IS NOT NULL THEN 'APPROVAL' END,
        recorded_by = approved_by,
        recorded_at = approved_at,
        approved_by = CASE WHEN policy_id IS NOT NULL THEN NULL ELSE approved_by END,
        approved_at = CASE WHEN policy_id IS NOT NULL THEN NULL ELSE approved_at END`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE dues_waiver SET approved_by = recorded_by, approved_at = recorded_at WHERE authority = 'POLICY'`);
    await q.query(`ALTER TABLE dues_waiver DROP COLUMN authority, DROP COLUMN recorded_by, DROP COLUMN recorded_at`);
  }
}
