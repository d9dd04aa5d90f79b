import { useState } from 'react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DoraWindow } from '../../lib/window';
import { WindowPicker } from './WindowPicker';

/** The picker as a page holds it: the window in state, shown beside it. */
function Harness(props: {
  initial: DoraWindow;
  onChange: (window: DoraWindow) => void;
}) {
  const [value, setValue] = useState(props.initial);
  return (
    <>
      <WindowPicker
        value={value}
        onChange={next => {
          props.onChange(next);
          setValue(next);
        }}
      />
      {/* Like Back in the browser: the window changes from outside. */}
      <button onClick={() => setValue({ kind: 'preset', days: 180 })}>
        Back
      </button>
    </>
  );
}

describe('WindowPicker', () => {
  it('shows a range as the custom choice with its two days', async () => {
    await renderInTestApp(
      <Harness
        initial={{ kind: 'custom', from: '2025-06-01', to: '2025-08-31' }}
        onChange={jest.fn()}
      />,
    );
    expect(
      screen.getByRole('button', { name: 'Custom range…' }),
    ).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByLabelText('From')).toHaveValue('2025-06-01');
    expect(screen.getByLabelText('To (included)')).toHaveValue('2025-08-31');
  });

  it('applies only a valid range, and follows a window changed from outside', async () => {
    const user = userEvent.setup();
    const onChange = jest.fn();
    await renderInTestApp(
      <Harness initial={{ kind: 'preset', days: 90 }} onChange={onChange} />,
    );

    await user.click(screen.getByRole('button', { name: 'Custom range…' }));
    await user.clear(screen.getByLabelText('From'));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter both dates.');
    await user.type(screen.getByLabelText('From'), '2025-06-01');
    await user.clear(screen.getByLabelText('To (included)'));
    await user.type(screen.getByLabelText('To (included)'), '2025-06-01');
    // One day is a range: the first day is the last.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('To (included)'), '{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({
      kind: 'custom',
      from: '2025-06-01',
      to: '2025-06-01',
    });

    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.queryByLabelText('From')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: '180 days' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});
