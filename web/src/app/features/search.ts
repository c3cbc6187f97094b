// Message search.
import type { SearchMatch } from "../../api/types";
import type { Core } from "./core";

export class Search {
  constructor(private readonly core: Core) {}

  async search(query: string): Promise<{ matches: SearchMatch[]; total: number }> {
    const body = await this.core.api.call("search.messages", { query, highlight: true, count: 50, sort: "timestamp" });
    return { matches: body.messages?.matches ?? [], total: body.messages?.total ?? 0 };
  }
}
