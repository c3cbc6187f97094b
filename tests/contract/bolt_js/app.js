// An ordinary Bolt for JavaScript app, as one would deploy it to Slack. Its only change
// for Parley is the Web API base URL (`clientOptions.slackApiUrl`); the token, signing
// secret and port come from the usual environment variables.
const { App, LogLevel } = require("@slack/bolt");

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  logLevel: LogLevel.WARN,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});

app.event("app_mention", async ({ event, say }) => {
  await say({ text: `pong from js: ${event.text}`, thread_ts: event.ts });
});

app.message("knock knock", async ({ message, say }) => {
  await say(`Who's there, <@${message.user}>?`);
});

app.command("/jsecho", async ({ command, ack, respond }) => {
  await ack(`working on ${command.text}`);
  await respond({ text: `js echo: ${command.text}`, response_type: "in_channel" });
});

app.action("approve", async ({ body, ack, respond }) => {
  await ack();
  const value = body.actions[0].value;
  await respond({ replace_original: true, text: `js approved ${value} by <@${body.user.id}>` });
});

(async () => {
  await app.start(Number(process.env.PORT));
  console.log("bolt-js ready");
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
