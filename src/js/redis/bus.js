// Messages between processes over a region's Redis connection: the seam a cross-process layer
// (coherence: pushing L1 drops and invalidations to other processes) plugs into. It carries
// strings on named channels and promises nothing more than Redis pub/sub does: a message sent
// while a subscriber is disconnected is lost to it. `onReconnect` tells a subscriber that it
// may have missed some, so it can re-check shared state at once instead of at its next interval.
//
//   publish(channel, message) → Promise<number>  (subscribers that received it)
//   subscribe(channel, listener(message), { onReconnect }) → Promise<unsubscribe()>
//
// Subscribing takes a second connection (a subscribed Redis connection runs no other
// commands), a duplicate of the region's client, opened on the first subscribe.
import { BackendError } from "../errors.js";

export class RedisBus {
  #connection;
  #subscriber; // a promise of the subscribed client
  #reconnectListeners = new Set();

  /** @param {import("./connection.js").RedisConnection} connection */
  constructor(connection) {
    this.#connection = connection;
  }

  async publish(channel, message) {
    return this.#connection.command(["PUBLISH", channel, message], () => `publish on ${JSON.stringify(channel)}`);
  }

  /**
   * @param {string} channel
   * @param {(message: string) => void} listener
   * @param {{ onReconnect?: () => void }} [options]
   */
  async subscribe(channel, listener, { onReconnect } = {}) {
    this.#subscriber ??= this.#openSubscriber();
    const subscriber = await this.#subscriber;
    try {
      await subscriber.subscribe(channel, listener);
    } catch (e) {
      throw new BackendError(`Redis subscribe to ${JSON.stringify(channel)} failed: ${e?.message ?? e}`, { cause: e });
    }
    if (onReconnect !== undefined) this.#reconnectListeners.add(onReconnect);
    return async () => {
      this.#reconnectListeners.delete(onReconnect);
      if (subscriber.isOpen) await subscriber.unsubscribe(channel, listener);
    };
  }

  async #openSubscriber() {
    const main = await this.#connection.connected("subscribe");
    const subscriber = main.duplicate();
    subscriber.on("error", () => {}); // reconnection attempts; see connection.js
    let connectedOnce = false;
    // node-redis subscribes again by itself after a reconnection; what was published in between is gone.
    subscriber.on("ready", () => {
      if (connectedOnce) {
        for (const f of this.#reconnectListeners) {
          try {
            f();
          } catch {
            // a failing listener must not stop the others, nor reach the client's event emitter
          }
        }
      }
      connectedOnce = true;
    });
    try {
      await subscriber.connect();
    } catch (e) {
      this.#subscriber = undefined;
      throw new BackendError(`Redis subscriber connection failed: ${e?.message ?? e}`, { cause: e });
    }
    return subscriber;
  }

  async close() {
    const opening = this.#subscriber;
    this.#subscriber = undefined;
    const subscriber = await opening?.catch(() => undefined);
    if (subscriber?.isOpen) await (subscriber.isReady ? subscriber.close() : subscriber.destroy());
  }
}
