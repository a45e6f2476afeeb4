import fs from 'node:fs';
import net from 'node:net';
import { ZooKeeperClient } from '@zookit/client';
import { ConnectRequest, encodeRecordFrame, encodeRequestFrame, OpCode } from '@zookit/protocol';
import { LocalZooKeeper } from '@zookit/testing';

const server = await LocalZooKeeper.start({ tickTime: 500 });
try {
  const zk = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 3000 });
  const s = net.connect({ host: '127.0.0.1', port: server.port });
  s.on('connect', () => {
    const c = encodeRecordFrame(ConnectRequest, {
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: 30000,
      sessionId: zk.sessionId,
      passwd: zk.sessionPassword,
      readOnly: false,
    });
    s.write(Buffer.concat([c, encodeRequestFrame({ xid: 1, type: OpCode.closeSession })]));
  });
  await new Promise((r) => s.on('close', r));
  await zk.close();
  const dir = server.dataDir + '/..';
  for (const f of fs.readdirSync(dir)) console.log(f);
  const log = fs.readdirSync(dir).find((f) => f.endsWith('.log'));
  if (log)
    console.log(
      fs
        .readFileSync(dir + '/' + log, 'utf8')
        .split('\n')
        .filter((l) => /WARN|ERROR|Exception|close/i.test(l))
        .slice(-15)
        .join('\n'),
    );
} finally {
  await server.stop();
}
