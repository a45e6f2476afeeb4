import { OpCode } from '@zookit/protocol';

const abbreviations = new Map<number, string>([
  [OpCode.notification, 'NOTI'],
  [OpCode.create, 'CREA'],
  [OpCode.create2, 'CREA'],
  [OpCode.createContainer, 'CREA'],
  [OpCode.createTTL, 'CREA'],
  [OpCode.delete, 'DELE'],
  [OpCode.deleteContainer, 'DELE'],
  [OpCode.exists, 'EXIS'],
  [OpCode.getData, 'GETD'],
  [OpCode.setData, 'SETD'],
  [OpCode.getACL, 'GETA'],
  [OpCode.setACL, 'SETA'],
  [OpCode.getChildren, 'GETC'],
  [OpCode.getChildren2, 'GETC'],
  [OpCode.sync, 'SYNC'],
  [OpCode.ping, 'PING'],
  [OpCode.check, 'CHEC'],
  [OpCode.multi, 'MULT'],
  [OpCode.multiRead, 'MLTR'],
  [OpCode.reconfig, 'RECO'],
  [OpCode.checkWatches, 'CHKW'],
  [OpCode.removeWatches, 'REMW'],
  [OpCode.setWatches, 'SETW'],
  [OpCode.setWatches2, 'STW2'],
  [OpCode.addWatch, 'ADDW'],
  [OpCode.whoAmI, 'HOMI'],
  [OpCode.getEphemerals, 'GETE'],
  [OpCode.getAllChildrenNumber, 'GETACN'],
  [OpCode.createSession, 'SESS'],
  [OpCode.closeSession, 'CLOS'],
  [OpCode.auth, 'AUTH'],
]);

/** The abbreviation ZooKeeper shows as `lop` in `cons` (NA for none or unknown). */
export function opAbbreviation(op: number): string {
  return abbreviations.get(op) ?? 'NA';
}
