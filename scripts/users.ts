// `npm run users -- <command>`: manage users and API keys from a terminal, on the database the app
// uses (DATABASE_URL, else the embedded one, which the app must not hold open at the same time).
//
//   list                                  users and their roles
//   add <email> <name> <role> [password]  create a user (a random password is printed when none is given)
//   role <email> <viewer|editor|admin>    change a role
//   disable <email> | enable <email>      disabling ends their sessions at once
//   reset-password <email> [password]     set a new password (random when none is given) and end sessions
//   key <name> <role>                     create an API key (printed once), owned by the first admin
import crypto from "node:crypto";
import { roleSchema } from "@/lib/auth/roles";
import { newUserSchema, type UserAdmin } from "@/lib/auth/users";
import { createLedger, databaseSourceFromEnv } from "@/lib/server/ledger";

const USAGE = `usage: npm run users -- list | add <email> <name> <role> [password] | role <email> <role>
       | disable <email> | enable <email> | reset-password <email> [password] | key <name> <role>`;

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

async function userByEmail(users: UserAdmin, email: string | undefined) {
  if (!email) fail(USAGE);
  return (await users.findByEmail(email!)) ?? fail(`No user with the email ${email}`);
}

const randomPassword = () => crypto.randomBytes(12).toString("base64url");

async function run(users: UserAdmin, [command, ...args]: string[]) {
  switch (command) {
    case "list":
      for (const u of await users.list()) console.log(`${u.email}\t${u.name}\t${u.role}${u.disabled ? "\tdisabled" : ""}`);
      return;
    case "add": {
      const [email, name, role, given] = args;
      const password = given ?? randomPassword();
      const parsed = newUserSchema.safeParse({ email, name, role, password });
      if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
      const user = await users.create(parsed.data!);
      console.log(`created ${user.email} (${user.role})${given ? "" : `, password: ${password}`}`);
      return;
    }
    case "role": {
      const user = await userByEmail(users, args[0]);
      const role = roleSchema.safeParse(args[1]);
      if (!role.success) fail(role.error.issues[0].message);
      await users.setRole(user.id, role.data!);
      console.log(`${user.email} is now ${role.data}`);
      return;
    }
    case "disable":
    case "enable": {
      const user = await userByEmail(users, args[0]);
      await users.setDisabled(user.id, command === "disable");
      console.log(`${user.email} ${command}d`);
      return;
    }
    case "reset-password": {
      const user = await userByEmail(users, args[0]);
      const password = args[1] ?? randomPassword();
      if (password.length < 10) fail("The password must be at least 10 characters");
      await users.resetPassword(user.id, password);
      console.log(`new password for ${user.email}${args[1] ? " set" : `: ${password}`} (their sessions are ended)`);
      return;
    }
    case "key": {
      const role = roleSchema.safeParse(args[1]);
      if (!args[0] || !role.success) fail(USAGE);
      const owner = (await users.list()).find((u) => u.role === "admin" && !u.disabled) ?? fail("No active admin to own the key");
      const key = await users.createKey({ name: args[0], role: role.data! }, owner.id);
      console.log(`API key "${key.name}" (${key.role}), shown only now:\n${key.key}`);
      return;
    }
    default:
      fail(USAGE);
  }
}

const ledger = await createLedger(databaseSourceFromEnv());
try {
  await run(ledger.users!, process.argv.slice(2));
} finally {
  await ledger.close();
}
