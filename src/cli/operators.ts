import type { Command } from 'commander'
import type { Runtime } from '../runtime.js'
import type { OperatorView } from '../services/portal/operator.service.js'

type WithRuntime = <T>(run: (runtime: Runtime) => Promise<T>) => Promise<T>

/** Reads a password from standard input (its first line), for `--password-stdin`. */
async function readStdinPassword(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trimEnd()
}

const describe = (o: OperatorView): string =>
  `${o.email}\t${o.disabled ? 'disabled' : 'active'}\t${o.memberships.map((m) => `${m.tenant}:${m.role}`).join(',')}`

/** `openline operators …`: portal accounts. Passwords are shown once, only their hash is stored. */
export function operatorCommands(program: Command, withRuntime: WithRuntime, print: (value: unknown) => void): void {
  const operators = program.command('operators').description('Manage portal operators.')
  operators
    .command('create')
    .argument('<email>', "the operator's e-mail address (its sign-in name)")
    .requiredOption('--tenant <name>', 'the tenant it may use')
    .requiredOption('--role <role>', 'admin, operator or viewer')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .option('--json', 'print JSON')
    .action(
      async (email: string, options: { tenant: string; role: string; passwordStdin?: boolean; json?: boolean }) => {
        const password = options.passwordStdin ? await readStdinPassword() : undefined
        const created = await withRuntime(async ({ services }) => {
          const tenant = await services.tenants.getByName(options.tenant)
          return services.operators.create({
            email,
            tenant,
            role: options.role,
            ...(password !== undefined && { password }),
          })
        })
        if (options.json) return print({ ...created.operator, password: created.generatedPassword ?? null })
        print(`Created operator ${created.operator.email} (${options.role} in '${options.tenant}').`)
        if (created.generatedPassword) print(`Password (shown only now): ${created.generatedPassword}`)
      },
    )
  operators
    .command('grant')
    .description('Give an operator a role in another tenant (or change its role there).')
    .argument('<email>')
    .requiredOption('--tenant <name>')
    .requiredOption('--role <role>', 'admin, operator or viewer')
    .action(async (email: string, options: { tenant: string; role: string }) => {
      const view = await withRuntime(async ({ services }) =>
        services.operators.grant(email, await services.tenants.getByName(options.tenant), options.role),
      )
      print(describe(view))
    })
  operators
    .command('list')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const all = await withRuntime(({ services }) => services.operators.list())
      if (options.json) return print(all)
      for (const o of all) print(describe(o))
    })
  operators
    .command('disable')
    .description('Refuse its sign-ins and end its sessions at once.')
    .argument('<email>')
    .action(async (email: string) => {
      const view = await withRuntime(({ services }) => services.operators.disable(email))
      print(`Disabled operator ${view.email}; its sessions have ended.`)
    })
  operators
    .command('reset-password')
    .description('Set a new password (generated, or from standard input) and end its sessions.')
    .argument('<email>')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (email: string, options: { passwordStdin?: boolean }) => {
      const given = options.passwordStdin ? await readStdinPassword() : undefined
      const { operator, password } = await withRuntime(({ services }) => services.operators.resetPassword(email, given))
      print(`New password for ${operator.email}${given === undefined ? ` (shown only now): ${password}` : ' set.'}`)
    })
}
