import type { FieldCipher } from '../field-cipher.js';
import type { NewTicket } from '../ports.js';
import type { Prisma } from './generated/sqlite/client.js';

type Tx = Prisma.TransactionClient;

/**
 * The customer behind a new ticket: found by their platform identity, else created with it. Phone and
 * e-mail are stored sealed by the cipher (as given without keys).
 */
export async function upsertCustomer(tx: Tx, c: NonNullable<NewTicket['customer']>, cipher: FieldCipher): Promise<number> {
  const known = await tx.customerIdentity.findUnique({ where: { platform_platformUserId: { platform: c.platform, platformUserId: c.platformUserId } } });
  const details = {
    ...(c.name ? { name: c.name } : {}),
    ...(c.phone ? { phone: cipher.seal('Customer.phone', c.phone) } : {}),
    ...(c.email ? { email: cipher.seal('Customer.email', c.email) } : {}),
  };
  if (known) {
    // Intake is unauthenticated: fill in what is missing, never overwrite what we know.
    const current = await tx.customer.findUniqueOrThrow({ where: { id: known.customerId } });
    const missing = Object.fromEntries(Object.entries(details).filter(([key]) => current[key as keyof typeof details] == null));
    if (Object.keys(missing).length) await tx.customer.update({ where: { id: known.customerId }, data: missing });
    return known.customerId;
  }
  const created = await tx.customer.create({
    data: { ...details, identities: { create: { platform: c.platform, platformUserId: c.platformUserId, displayName: c.name ?? null } } },
  });
  return created.id;
}
