import { Box, Text } from 'ink';
import type { StoreBalance, Withdrawal } from '../services/payouts-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { Table } from './Table.js';

// `tokobapak payouts`: the balance as two lines, a table of withdrawals, one line for a request.

const money = (value: { amount: number; currency: string }) => `${value.currency} ${value.amount}`;

function balanceLines(balance: StoreBalance): string[] {
  return [`Available: ${money(balance.available)}`, `Pending:   ${money(balance.pending)} (requested or approved withdrawals)`];
}

/** `tokobapak payouts balance`. */
export function balancePresentation(balance: StoreBalance): Presentation {
  return {
    json: () => ({ balance }),
    plain: () => balanceLines(balance),
    tty: () => (
      <Box flexDirection="column">
        {balanceLines(balance).map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
    ),
  };
}

const withdrawalColumns: Array<Column<Withdrawal>> = [
  { title: 'ID', value: (withdrawal) => withdrawal.id },
  {
    title: 'STATUS',
    value: (withdrawal) => withdrawal.status,
    color: (withdrawal) => (withdrawal.status === 'rejected' ? 'red' : withdrawal.status === 'paid' ? 'green' : 'yellow'),
  },
  { title: 'AMOUNT', value: (withdrawal) => money(withdrawal.amount), alignRight: true },
  { title: 'BANK', value: (withdrawal) => `${withdrawal.bankAccount.bankCode} ${withdrawal.bankAccount.accountNumber}` },
  { title: 'REQUESTED', value: (withdrawal) => withdrawal.requestedAt },
];

/** `tokobapak payouts list`. */
export function withdrawalListPresentation(withdrawals: Withdrawal[]): Presentation {
  return {
    json: () => ({ withdrawals }),
    plain: () => (withdrawals.length === 0 ? ['No withdrawals.'] : textTable(withdrawalColumns, withdrawals)),
    tty: () => (withdrawals.length === 0 ? <Text dimColor>No withdrawals.</Text> : <Table columns={withdrawalColumns} rows={withdrawals} />),
  };
}

/** `tokobapak payouts request`. */
export function withdrawalRequestedPresentation(withdrawal: Withdrawal): Presentation {
  const line = `Withdrawal ${withdrawal.id} of ${money(withdrawal.amount)} is ${withdrawal.status}`;
  return {
    json: () => ({ withdrawal }),
    plain: () => [line],
    tty: () => <Text color="green">{line}</Text>,
  };
}
