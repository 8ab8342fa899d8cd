package dev.stoa.writer.impl;

import dev.stoa.proto.client.Message;
import dev.stoa.proto.client.SendAck;

/** A send whose batch is durable: the ack given to the sender and the message to push. */
record Committed(SendAck ack, Message message) {}
