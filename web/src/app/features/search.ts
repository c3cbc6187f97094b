// Search: messages and files (search.all), and people (search.people).
import type { SearchMatch, SlackFile, User } from "../../api/types";
import type { Core } from "./core";

export interface SearchResults {
  messages: SearchMatch[];
  messageTotal: number;
  files: SlackFile[];
  fileTotal: number;
}

export class Search {
  constructor(private readonly core: Core) {}

  /** Messages and files for a query, newest first, with highlights. */
  async all(query: string): Promise<SearchResults> {
    const body = await this.core.api.call("search.all", { query, highlight: true, count: 50, sort: "timestamp" });
    return {
      messages: body.messages?.matches ?? [],
      messageTotal: body.messages?.total ?? 0,
      files: (body.files?.matches ?? []) as SlackFile[],
      fileTotal: body.files?.total ?? 0,
    };
  }

  /** Members whose names, title or email begin with the query's words. */
  async people(query: string, count = 20): Promise<{ people: User[]; total: number }> {
    const body = await this.core.api.call("search.people", { query, count });
    const people = (body.members ?? []) as User[];
    if (people.length) this.core.store.dispatch({ type: "users", users: people });
    return { people, total: body.total ?? 0 };
  }
}
