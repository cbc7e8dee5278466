/** Counters the hot paths bump; plain fields, read only when $SYS is published. */
export class BrokerStats {
  /** Packets of any type, both ways, and their bytes. */
  messagesReceived = 0;
  messagesSent = 0;
  bytesReceived = 0;
  bytesSent = 0;
  publishReceived = 0;
  publishSent = 0;
  publishBytesReceived = 0;
  publishBytesSent = 0;
  /** Messages a limit forced the broker to drop (queue full, too large). */
  dropped = 0;
  /** Sockets accepted and CONNECTs handled since the last $SYS update (the load averages' input). */
  sockets = 0;
  connects = 0;
  /** Persistent sessions that ran out of time. */
  expired = 0;
  maxClients = 0;
}
