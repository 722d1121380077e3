import { Box, Text } from 'ink';
import type { Withdrawal } from '../services/payouts-actions.js';
import type { DeskDecision } from '../services/withdrawals-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { Table } from './Table.js';

// `tokobapak withdrawals`: the admins' desk. A table of every store's withdrawals with what a bank
// transfer needs; one line for each decision, and a second one when the withdrawal had been decided
// before and kept its first reference or reason.

const money = (value: { amount: number; currency: string }) => `${value.currency} ${value.amount}`;

const deskColumns: Array<Column<Withdrawal>> = [
  { title: 'ID', value: (withdrawal) => withdrawal.id },
  {
    title: 'STATUS',
    value: (withdrawal) => withdrawal.status,
    color: (withdrawal) => (withdrawal.status === 'rejected' ? 'red' : withdrawal.status === 'paid' ? 'green' : 'yellow'),
  },
  { title: 'STORE', value: (withdrawal) => withdrawal.storeId },
  { title: 'AMOUNT', value: (withdrawal) => money(withdrawal.amount), alignRight: true },
  { title: 'BANK', value: (withdrawal) => `${withdrawal.bankAccount.bankCode} ${withdrawal.bankAccount.accountNumber}` },
  { title: 'ACCOUNT NAME', value: (withdrawal) => withdrawal.bankAccount.accountHolderName },
  { title: 'REQUESTED', value: (withdrawal) => withdrawal.requestedAt },
];

/** `tokobapak withdrawals list`. */
export function deskListPresentation(withdrawals: Withdrawal[]): Presentation {
  return {
    json: () => ({ withdrawals }),
    plain: () => (withdrawals.length === 0 ? ['No withdrawals.'] : textTable(deskColumns, withdrawals)),
    tty: () => (withdrawals.length === 0 ? <Text dimColor>No withdrawals.</Text> : <Table columns={deskColumns} rows={withdrawals} />),
  };
}

function decisionLines(withdrawal: Withdrawal, decision: DeskDecision): string[] {
  const { bankAccount } = withdrawal;
  const head = `Withdrawal ${withdrawal.id} of ${money(withdrawal.amount)} (store ${withdrawal.storeId}) is ${withdrawal.status}`;
  if (decision.to === 'approved') {
    const to = `${bankAccount.bankCode} ${bankAccount.accountNumber} (${bankAccount.accountHolderName})`;
    return [`${head}: transfer it to ${to}, then record it with \`tokobapak withdrawals mark-paid ${withdrawal.id} --reference …\``];
  }
  if (decision.to === 'paid') {
    const lines = [`${head}, reference ${withdrawal.payoutReference ?? '-'}`];
    if (withdrawal.payoutReference !== decision.payoutReference)
      lines.push(`It was marked paid before (${withdrawal.paidAt ?? '-'}): the reference "${decision.payoutReference}" was not recorded.`);
    return lines;
  }
  const lines = [`${head}: ${withdrawal.rejectionReason ?? '-'}; the amount is back in the store's available balance`];
  if (withdrawal.rejectionReason !== decision.reason) lines.push(`It was rejected before (${withdrawal.rejectedAt ?? '-'}): this reason was not recorded.`);
  return lines;
}

/** `tokobapak withdrawals approve|mark-paid|reject`. */
export function deskDecisionPresentation(withdrawal: Withdrawal, decision: DeskDecision): Presentation {
  const [head = '', ...notes] = decisionLines(withdrawal, decision);
  return {
    json: () => ({ withdrawal }),
    plain: () => [head, ...notes],
    tty: () => (
      <Box flexDirection="column">
        <Text color={withdrawal.status === 'rejected' ? 'yellow' : 'green'}>{head}</Text>
        {notes.map((note) => (
          <Text key={note} dimColor>
            {note}
          </Text>
        ))}
      </Box>
    ),
  };
}
