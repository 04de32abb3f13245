// Printed by `npm install`: on a machine whose own Node is older than 24, npm's engine warnings are
// silenced (.npmrc) and this one line says why nothing is wrong. Inside npm scripts `node` may already be
// the pinned one; npm's user agent names the Node that npm itself (and its engine check) runs on.
const agent = process.env.npm_config_user_agent ?? '';
const version = /node\/v(\d+)[.\d]*/.exec(agent)?.[0]?.slice(5) ?? process.version;
if (Number(version.slice(1).split('.')[0]) < 24) {
  console.log(
    `tributary: your Node is ${version}; npm start, npm test and npx tributary run on the Node 24 this install adds (the "node" package), so engine warnings do not apply.`,
  );
}
