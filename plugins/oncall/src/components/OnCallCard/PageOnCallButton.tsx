import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import { onCallIncidentTriggerPermission } from '@internal/plugin-oncall-common';
import { useState } from 'react';
import { PageOnCallDialog } from './PageOnCallDialog';

/**
 * "Page the on-call", for those the permission policy lets trigger an
 * incident on the entity (its owners and the platform team); nothing for
 * the others. The backend checks again.
 */
export function PageOnCallButton(props: {
  entityRef: string;
  onCreated: () => void;
}) {
  const { entityRef, onCreated } = props;
  const { allowed } = usePermission({
    permission: onCallIncidentTriggerPermission,
    resourceRef: entityRef,
  });
  const [open, setOpen] = useState(false);
  if (!allowed) {
    return null;
  }
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        color="secondary"
        onClick={() => setOpen(true)}
      >
        Page the on-call
      </Button>
      {open && (
        <PageOnCallDialog
          entityRef={entityRef}
          onClose={() => setOpen(false)}
          onCreated={onCreated}
        />
      )}
    </>
  );
}
