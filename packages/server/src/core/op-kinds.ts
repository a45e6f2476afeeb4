import { OpCode } from '@zookit/protocol';

/** Ops that go through the log (validated and applied as entries). */
const WRITES = new Set<number>([
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.setData,
  OpCode.setACL,
  OpCode.multi,
  OpCode.reconfig,
  OpCode.closeSession,
]);

/** Whether `type` is a write: logged, given a zxid, applied in order. */
export function isWrite(type: number): boolean {
  return WRITES.has(type);
}

/** Whether `type` is answered from the applied state (reads, watch and session-local ops). */
export function isRead(type: number): boolean {
  switch (type) {
    case OpCode.exists:
    case OpCode.getData:
    case OpCode.getChildren:
    case OpCode.getChildren2:
    case OpCode.getACL:
    case OpCode.sync:
    case OpCode.getAllChildrenNumber:
    case OpCode.getEphemerals:
    case OpCode.whoAmI:
    case OpCode.multiRead:
    case OpCode.addWatch:
    case OpCode.checkWatches:
    case OpCode.removeWatches:
    case OpCode.setWatches:
    case OpCode.setWatches2:
      return true;
    default:
      return false;
  }
}
