// A minimal external store (reducer + subscribers) read through React's useSyncExternalStore.
import { useSyncExternalStore } from "react";
import { type Action, initialState, reducer, type State } from "./reducer";

type Listener = () => void;

export class Store {
  private state: State;
  private readonly listeners = new Set<Listener>();

  constructor(state: State = initialState) {
    this.state = state;
  }

  getState = (): State => this.state;

  dispatch = (action: Action): void => {
    const next = reducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    this.listeners.forEach((l) => l());
  };

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function useStore<T>(store: Store, select: (s: State) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
