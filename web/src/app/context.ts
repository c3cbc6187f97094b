import { createContext, useContext, useSyncExternalStore } from "react";
import type { State } from "../state/reducer";
import type { Controller } from "./controller";

export const ControllerContext = createContext<Controller | null>(null);

export function useController(): Controller {
  const c = useContext(ControllerContext);
  if (!c) throw new Error("no controller");
  return c;
}

/** Subscribes to one slice of the state; re-renders only when that slice changes identity. */
export function useAppState<T>(select: (s: State) => T): T {
  const c = useController();
  return useSyncExternalStore(c.store.subscribe, () => select(c.store.getState()));
}
