package tree

import (
	"fmt"
	"strings"
)

// readme renders README.txt: what is where in this mount, and how to add
// users. It depends only on the configuration, so it is built without any
// API call.
func (t *Tree) readme() []byte {
	var b strings.Builder
	b.WriteString(`douyinfs: Douyin as a read-only file system
==========================================

Nothing here is downloaded ahead of time: directories fill in from Douyin as
you list them, and video bytes are fetched as you read them.

users/<name>/             one folder per configured user (see below)
  profile.json            the user's profile, pretty-printed
  avatar.jpeg             the profile picture
  posts/                  the user's posts, newest first, as Douyin orders them
    <post>.mp4            a video post
    <post>/01.jpeg ...    an image post (plus music.mp3 when it has music)
  likes/                  posts the user liked (empty when the list is private)
  mixes/<mix name>/       the user's mixes (合集), episodes in order
  live/                   only while the user is live:
    room.json             the live room
    stream.flv            the live stream, until the room ends (cp it to record)
    stream.ts             instead, when the room offers only HLS
users/<sec_user_id>/      any other user, by the id in www.douyin.com/user/<id>
videos/<aweme_id>.mp4     any post by id (an image post is videos/<aweme_id>/);
                          listing videos/ shows the ones used so far
mixes/<mix_id>/           any mix by id
live/<webcast_id>/        any live room by the number in live.douyin.com/<id>
                          (configured rooms are listed)
comments/<aweme_id>.json  a post's comments with their replies, one JSON
                          document (jq); "complete": false when the page cap
                          (network.comment_pages) cut it short. Not listed:
                          reach it by name
related/<aweme_id>/       posts Douyin relates to that post, named like posts
                          (at most network.related_pages pages). Not listed
me/                       only when logged in (a cookie is configured):
  collection/             your favourites (收藏)
  collects/<folder>/      your favourite folders (收藏夹)
  feed/                   a snapshot of your home feed
.douyinfs/stats.json      API calls, bytes fetched, cache hits and misses,
                          errors, live streams open
.douyinfs/status.txt      a line per user folder empty for a reason, e.g.
                          "users/bob: private account" (posts/, likes/ and
                          mixes/ of a private account are empty)

`)
	fmt.Fprintf(&b, "Post names follow the template %q (time zone %s).\n", t.names.template, t.names.loc)
	b.WriteString(`The post id ends every name, so names are unique and never change.
Everything is read-only: writing, creating or deleting fails with EROFS.

Adding users
------------

Add a block per user to the configuration file (config.toml) and remount:

    [[users]]
    name = "alice"                    # the folder name under users/
    sec_user_id = "MS4wLjABAAAA..."   # from www.douyin.com/user/<sec_user_id>

Live rooms to list under live/ go in live_rooms = ["<webcast_id>", ...].

`)
	if len(t.cfg.Users) == 0 {
		b.WriteString("No users are configured yet.\n")
	} else {
		b.WriteString("Configured users:\n")
		for _, u := range t.cfg.Users {
			fmt.Fprintf(&b, "    users/%s\n", sanitizeName(u.Name, maxNameBytes))
		}
	}
	if len(t.cfg.LiveRooms) > 0 {
		b.WriteString("Configured live rooms:\n")
		for _, r := range t.cfg.LiveRooms {
			fmt.Fprintf(&b, "    live/%s\n", sanitizeName(r, maxNameBytes))
		}
	}
	return []byte(b.String())
}
