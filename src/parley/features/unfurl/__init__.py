"""Link unfurls: preview cards for URLs posted in messages (fetched by a worker through the
SSRF-safe client), `link_shared` for apps that registered the domain, and `chat.unfurl`."""
