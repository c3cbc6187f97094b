// Short notices at the bottom of the screen (the three newest, four seconds each).
export interface Toast {
  id: number;
  text: string;
}

type Listener = () => void;

export class Toasts {
  private toasts: Toast[] = [];
  private listeners = new Set<Listener>();
  private nextId = 1;

  show(text: string): void {
    const t = { id: this.nextId++, text };
    this.toasts = [...this.toasts, t].slice(-3);
    this.listeners.forEach((l) => l());
    setTimeout(() => {
      this.toasts = this.toasts.filter((x) => x.id !== t.id);
      this.listeners.forEach((l) => l());
    }, 4000);
  }

  get = (): Toast[] => this.toasts;

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
}
